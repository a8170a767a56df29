; Pinpoint definitions for Python. Capture convention: see grammars/javascript/definitions.scm.
; A docstring is the first statement of the body when it is a string (@doc).

(class_definition
  name: (identifier) @name
  body: (block . (expression_statement (string) @doc)?) @body) @definition.class

(function_definition
  name: (identifier) @name
  body: (block . (expression_statement (string) @doc)?) @body) @definition.function

; module-level assignments
(module (expression_statement (assignment left: (identifier) @name)) @definition.constant)
(ERROR (expression_statement (assignment left: (identifier) @name)) @definition.constant)
(module (expression_statement (assignment left: (pattern_list . (identifier) @name))) @definition.constant)
(ERROR (expression_statement (assignment left: (pattern_list . (identifier) @name))) @definition.constant)
