/** Fine-tuning: dataset export and synthesis, validation, job control, model switching, answer evaluation. */
export * from './types';
export { exclusionReason, traceToExample, trimToolResult, assistantTools, DEFAULT_TOOL_RESULT_CHARS, type SelectOptions, type ConvertOptions } from './convert';
export {
  exportDataset, writeDataset, dedupe, normaliseQuestion, jaccard, splitOf, toJsonl, defaultValPath, DEFAULT_VAL_FRACTION, DEFAULT_DEDUPE_THRESHOLD,
  type ExportOptions, type ExportResult, type ExportedExample, type TraceSource, type WrittenDataset,
} from './dataset';
export { validateJsonl, validateFile, exampleDefects, formatValidation, MIN_EXAMPLES, type ValidateOptions, type ValidationReport, type Defect } from './validate';
export { countTextTokens, countExampleTokens, tokenLimitFor, baseModelOf, MODEL_TOKEN_LIMITS, DEFAULT_TOKEN_LIMIT, type ExampleTokens, type TokenLimit } from './tokens';
export {
  FineTuneClient, startJob, jobInfo, JobFailedError, TERMINAL,
  type FineTuneClientConfig, type JobInfo, type JobEvent, type JobStatus, type CreateJobOptions, type StartJobOptions,
} from './jobs';
export { switchModel, rollbackModel, activeModel, JsonSettingsStore, MemorySettingsStore, MODEL_SETTINGS_FILE, MAX_HISTORY, type SettingsStore, type ModelSettingsState } from './settings';
export { sampleSymbols, seededRandom, type SampledSymbol, type SampleOptions } from './sample';
export {
  synthesize, parseQuestions, questionPrompt, citesSymbol, QUESTION_SYSTEM_PROMPT,
  type SynthesizeOptions, type SynthesisResult, type SynthesisProgress, type SynthesizedExample, type SynthesisRejection,
} from './synthesize';
export { evalAnswers, loadQuestions, questionOfLine, formatEvalAnswers, percentile, type EvalAnswersOptions, type EvalAnswersReport, type ModelAnswerStats } from './evalAnswers';
export { tracesDirFor, indexDirFor, TRACES_DIR_NAME, SYNTHETIC_TRACE_FILE } from './paths';
