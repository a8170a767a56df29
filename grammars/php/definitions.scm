; Pinpoint definitions for PHP. Capture convention: see grammars/javascript/definitions.scm.

(namespace_definition name: (namespace_name) @name body: (compound_statement) @body) @definition.module
(interface_declaration name: (name) @name body: (declaration_list) @body) @definition.interface
(trait_declaration name: (name) @name body: (declaration_list) @body) @definition.trait
(class_declaration name: (name) @name body: (declaration_list) @body) @definition.class
(enum_declaration name: (name) @name body: (enum_declaration_list) @body) @definition.enum

(function_definition name: (name) @name body: (compound_statement) @body) @definition.function
(method_declaration name: (name) @name body: (compound_statement) @body) @definition.method

(program (const_declaration (const_element (name) @name)) @definition.constant)
(ERROR (const_declaration (const_element (name) @name)) @definition.constant)
