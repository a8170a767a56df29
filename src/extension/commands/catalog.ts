/**
 * Every Pinpoint command: id, title and where the palette shows it. Plain data (no `vscode`): the unit test
 * checks it against package.json's `contributes.commands` / `menus.commandPalette`, and the command table
 * (table.ts) must provide a factory for each id (its type requires it).
 */
export const COMMANDS = {
  ask: { id: 'pinpoint.ask', title: 'Ask About the Workspace…' },
  searchCode: { id: 'pinpoint.searchCode', title: 'Search Code…' },
  reindex: { id: 'pinpoint.reindex', title: 'Re-index Workspace' },
  showIndexStatus: { id: 'pinpoint.showIndexStatus', title: 'Show Index Status' },
  setApiKey: { id: 'pinpoint.setApiKey', title: 'Set API Key' },
  selectModel: { id: 'pinpoint.selectModel', title: 'Select Model' },
  openLogs: { id: 'pinpoint.openLogs', title: 'Open Logs' },
  exportFineTuningData: { id: 'pinpoint.exportFineTuningData', title: 'Export Fine-tuning Data' },
  startFineTuningJob: { id: 'pinpoint.startFineTuningJob', title: 'Start Fine-tuning Job' },
  showFineTuningJobs: { id: 'pinpoint.showFineTuningJobs', title: 'Show Fine-tuning Jobs' },
  explainSelection: { id: 'pinpoint.explainSelection', title: 'Explain with Pinpoint', when: 'editorHasSelection' },
  findRelated: { id: 'pinpoint.findRelated', title: 'Find Related Code', when: 'editorHasSelection' },
  askAboutSelection: { id: 'pinpoint.askAboutSelection', title: 'Ask Pinpoint About This…', when: 'editorHasSelection' },
  /** Only from the code action on a diagnostic (it needs the diagnostic as an argument). */
  explainDiagnostic: { id: 'pinpoint.explainDiagnostic', title: 'Explain This Error with Pinpoint', when: 'false' },
} as const satisfies Record<string, { id: string; title: string; when?: string }>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_CATEGORY = 'Pinpoint';

/** package.json's `contributes.commands` and `contributes.menus.commandPalette`, as they must be. */
export function packageJsonCommands(): { commands: { command: string; title: string; category: string }[]; commandPalette: { command: string; when: string }[] } {
  const all = Object.values(COMMANDS) as { id: string; title: string; when?: string }[];
  return {
    commands: all.map((c) => ({ command: c.id, title: c.title, category: COMMAND_CATEGORY })),
    commandPalette: all.filter((c) => c.when).map((c) => ({ command: c.id, when: c.when! })),
  };
}
