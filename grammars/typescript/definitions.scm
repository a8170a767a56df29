; Pinpoint definitions for TypeScript and TSX (JavaScript's patterns plus the type-level declarations).
; Capture convention: see grammars/javascript/definitions.scm. Earlier patterns win for the same node.

(function_declaration name: (identifier) @name body: (statement_block) @body) @definition.function
(generator_function_declaration name: (identifier) @name body: (statement_block) @body) @definition.function
(function_signature name: (identifier) @name) @definition.function

(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function body: (_) @body) (function_expression body: (_) @body) (generator_function body: (_) @body)])) @definition.function
(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function body: (_) @body) (function_expression body: (_) @body) (generator_function body: (_) @body)])) @definition.function

(class_declaration name: (type_identifier) @name body: (class_body) @body) @definition.class
(abstract_class_declaration name: (type_identifier) @name body: (class_body) @body) @definition.class
(interface_declaration name: (type_identifier) @name body: (interface_body) @body) @definition.interface
(enum_declaration name: (identifier) @name body: (enum_body) @body) @definition.enum
(type_alias_declaration name: (type_identifier) @name) @definition.type
(internal_module name: (_) @name body: (statement_block) @body) @definition.module
(module name: (_) @name body: (statement_block) @body) @definition.module

(method_definition name: (_) @name body: (statement_block) @body) @definition.method
(public_field_definition
  name: (_) @name
  value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @definition.method

; module-level constants and variables (the root turns into ERROR when a syntax error cannot be contained)
(program (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant)
(ERROR (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant)
(program (variable_declaration (variable_declarator name: (_) @name)) @definition.constant)
(ERROR (variable_declaration (variable_declarator name: (_) @name)) @definition.constant)
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant))
(ERROR (export_statement declaration: (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant))
(program (export_statement declaration: (variable_declaration (variable_declarator name: (_) @name)) @definition.constant))
(ERROR (export_statement declaration: (variable_declaration (variable_declarator name: (_) @name)) @definition.constant))
(program (ambient_declaration (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant))
(ERROR (ambient_declaration (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant))
