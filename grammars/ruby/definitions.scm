; Pinpoint definitions for Ruby. Capture convention: see grammars/javascript/definitions.scm.

(class name: [(constant) (scope_resolution)] @name body: (body_statement)? @body) @definition.class
(module name: [(constant) (scope_resolution)] @name body: (body_statement)? @body) @definition.module
(method name: (_) @name body: (_)? @body) @definition.method
(singleton_method name: (_) @name body: (_)? @body) @definition.method
(assignment left: (constant) @name) @definition.constant
