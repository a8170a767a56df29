; Pinpoint definitions for C++. Capture convention: see grammars/javascript/definitions.scm.
; `void Foo::bar()` names are split on `::` (language.json scopeSeparator) into scope and name.

(function_definition
  declarator: [
    (function_declarator declarator: (_) @name)
    (pointer_declarator declarator: (function_declarator declarator: (_) @name))
    (reference_declarator (function_declarator declarator: (_) @name))
  ]
  body: (compound_statement) @body) @definition.function

(class_specifier name: (_) @name body: (field_declaration_list) @body) @definition.class
(struct_specifier name: (_) @name body: (field_declaration_list) @body) @definition.struct
(union_specifier name: (_) @name body: (field_declaration_list) @body) @definition.struct
(enum_specifier name: (_) @name body: (enumerator_list) @body) @definition.enum
(type_definition type: (struct_specifier body: (field_declaration_list) @body) declarator: (type_identifier) @name) @definition.struct
(type_definition declarator: (type_identifier) @name) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type
(concept_definition name: (identifier) @name) @definition.type
(namespace_definition name: (_) @name body: (declaration_list) @body) @definition.module

(translation_unit (declaration declarator: (init_declarator declarator: (identifier) @name)) @definition.constant)
(ERROR (declaration declarator: (init_declarator declarator: (identifier) @name)) @definition.constant)
(namespace_definition body: (declaration_list (declaration declarator: (init_declarator declarator: (identifier) @name)) @definition.constant))
(translation_unit (preproc_def name: (identifier) @name) @definition.constant)
(ERROR (preproc_def name: (identifier) @name) @definition.constant)
