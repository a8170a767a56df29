; Pinpoint definitions for JavaScript (and JSX).
; Capture convention (documented in src/core/parsing/definitions.ts):
;   @definition.<kind>  the definition node (function method class interface struct enum trait type module constant impl)
;   @name               its name; @body the block elided in summaries / split into parts
;   @receiver           type qualifying the name; @doc a docstring node; @package a file-wide name prefix
; Earlier patterns win when several capture the same node.

(function_declaration name: (identifier) @name body: (statement_block) @body) @definition.function
(generator_function_declaration name: (identifier) @name body: (statement_block) @body) @definition.function

(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function body: (_) @body) (function_expression body: (_) @body) (generator_function body: (_) @body)])) @definition.function
(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function body: (_) @body) (function_expression body: (_) @body) (generator_function body: (_) @body)])) @definition.function

(class_declaration name: (identifier) @name body: (class_body) @body) @definition.class

(method_definition name: (_) @name body: (statement_block) @body) @definition.method
(field_definition
  property: (_) @name
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
