// Error classes shared by every stage. Anything with a `status` is mapped to an HTTP answer in
// web/'s single onError; the rest are 500s.

export class AppError extends Error {
  readonly status: number = 500;
  /** Fields added to the JSON answer beside `error` (e.g. the candidates a caller may choose from). */
  readonly extra?: Record<string, unknown>;
  constructor(message: string, options?: { cause?: unknown; extra?: Record<string, unknown> }) {
    super(message, options);
    this.name = new.target.name;
    if (options?.extra) this.extra = options.extra;
  }
}

/** The request is wrong: 400, with a message naming the parameter. */
export class BadRequestError extends AppError {
  override readonly status: number = 400;
  constructor(message: string, readonly details?: unknown) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  override readonly status = 401;
  constructor() {
    super('unauthorized');
  }
}

export class ForbiddenError extends AppError {
  override readonly status = 403;
}

export class NotFoundError extends AppError {
  override readonly status = 404;
}

export class ConflictError extends AppError {
  override readonly status = 409;
}

export class UnprocessableError extends AppError {
  override readonly status = 422;
}

/** Configuration (env or feeds.yaml) is invalid: start-up stops and prints every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[], readonly file?: string) {
    super(`${file ? `${file}: ` : ''}invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A feed document could not be turned into a feed; the message is shown to operators as is. */
export class ParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParseError';
  }
}

/** The request body is larger than the endpoint accepts. */
export class PayloadTooLargeError extends AppError {
  override readonly status = 413;
}

/** The request body is of a media type the endpoint does not read. */
export class UnsupportedMediaTypeError extends AppError {
  override readonly status = 415;
}
