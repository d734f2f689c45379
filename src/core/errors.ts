/**
 * Errors MoE Scope reports to people. Every failure that can reach a user carries a stable code
 * (for tests and scripts), a message that names the thing that went wrong, and, where there is
 * one, a hint saying what to do about it.
 */
export type ErrorCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'FILE_TOO_LARGE'
  | 'NOT_ONNX'
  | 'NO_MOE_LAYER'
  | 'CORRUPT_ONNX'
  | 'ORT_UNAVAILABLE'
  | 'BAD_REQUEST'
  | 'BAD_REPORT'
  | 'CANCELLED'
  | 'ENGINE_DIED'
  | 'INTERNAL';

export class MoeScopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'MoeScopeError';
  }
}

/** A plain, structured-clone-safe error value, as sent across process and webview boundaries. */
export interface ErrorValue {
  code: ErrorCode;
  message: string;
  hint?: string;
  /** Stack or native detail, shown only in logs and with --verbose. */
  detail?: string;
}

export function toErrorValue(error: unknown): ErrorValue {
  if (error instanceof MoeScopeError) {
    return { code: error.code, message: error.message, hint: error.hint, detail: error.stack };
  }
  if (error instanceof Error) {
    return { code: 'INTERNAL', message: error.message, detail: error.stack };
  }
  return { code: 'INTERNAL', message: String(error) };
}

/** One line for a person: the message, then the hint. */
export function describeError(error: ErrorValue): string {
  return error.hint ? `${error.message} ${error.hint}` : error.message;
}
