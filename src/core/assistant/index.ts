/** The assistant: model client, tools, agent loop, citation verification, offline answers, traces. */
export { runTurn, createModelClient, type TurnOptions } from './agent';
export { answerOffline, type OfflineOptions } from './offline';
export { verifyCitations, parseCitations, groundedness, type VerifyContext, type ParsedCitation } from './citations';
export { TraceStore, rateTurn, newTraceId, TRACE_FILE, type RatingEvent, type TraceReadResult } from './trace';
export { ModelClient, type ChatModel, type ChatRequest, type ChatResponse, type ToolCall } from './modelClient';
export { AssistantError, type AssistantErrorCode } from './errors';
export { redactSecrets, type Redaction } from './redact';
export { WorkspaceFiles, PathError } from './files';
export { SeenLines } from './seen';
export { executeTool, TOOL_SPECS, type ToolContext, type ToolOutcome } from './tools';
export { TOOL, TOOL_NAMES, type ToolName } from './toolNames';
export { hybridRetriever, workspaceFromIndex } from './workspace';
export * from './types';
