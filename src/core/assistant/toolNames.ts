/** The assistant's tool names: the one place they are spelled. */
export const TOOL = {
  searchCode: 'search_code',
  readFile: 'read_file',
  findSymbol: 'find_symbol',
  findReferences: 'find_references',
  listFiles: 'list_files',
} as const;

export type ToolName = (typeof TOOL)[keyof typeof TOOL];

export const TOOL_NAMES: readonly ToolName[] = Object.values(TOOL);

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
