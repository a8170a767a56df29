; Pinpoint definitions for Go. Capture convention: see grammars/javascript/definitions.scm.

(package_clause (package_identifier) @package)

(function_declaration name: (identifier) @name body: (block) @body) @definition.function

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @receiver
        (pointer_type [(type_identifier) @receiver (generic_type type: (type_identifier) @receiver)])
        (generic_type type: (type_identifier) @receiver)
      ]))
  name: (field_identifier) @name
  body: (block) @body) @definition.method

(type_declaration (type_spec name: (type_identifier) @name type: (struct_type (field_declaration_list) @body))) @definition.struct
(type_declaration (type_spec name: (type_identifier) @name type: (interface_type) @body)) @definition.interface
(type_declaration (type_spec name: (type_identifier) @name)) @definition.type
(type_declaration (type_alias name: (type_identifier) @name)) @definition.type

(source_file (const_declaration (const_spec name: (identifier) @name)) @definition.constant)
(ERROR (const_declaration (const_spec name: (identifier) @name)) @definition.constant)
(source_file (var_declaration (var_spec name: (identifier) @name)) @definition.constant)
(ERROR (var_declaration (var_spec name: (identifier) @name)) @definition.constant)
