/** A failed Discord post. `retryable` says whether trying again can help (5xx, timeouts) or not (403, 404). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** An HTTP error answered to a webhook sender. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}
