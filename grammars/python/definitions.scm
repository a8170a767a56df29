; Pinpoint definitions for Python. Capture convention: see grammars/javascript/definitions.scm.
; A docstring is the first statement of the body when it is a string (@doc).

(class_definition
  name: (identifier) @name
  body: (block . (expression_statement (string) @doc)?) @body) @definition.class

(function_definition
  name: (identifier) @name
  body: (block . (expression_statement (string) @doc)?) @body) @definition.function

; type aliases (Python 3.12: `type Point = tuple[float, float]`)
(type_alias_statement left: (type (identifier) @name)) @definition.type
(type_alias_statement left: (type (generic_type (identifier) @name))) @definition.type

; module-level assignments
(module (expression_statement (assignment left: (identifier) @name)) @definition.constant)
(ERROR (expression_statement (assignment left: (identifier) @name)) @definition.constant)
(module (expression_statement (assignment left: (pattern_list . (identifier) @name))) @definition.constant)
(ERROR (expression_statement (assignment left: (pattern_list . (identifier) @name))) @definition.constant)
