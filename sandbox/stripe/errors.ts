// Stripe's error object (https://docs.stripe.com/api/errors): a type, a
// message, and for request errors the code and the parameter at fault.

type Json = Record<string, unknown>;

export class StripeApiError extends Error {
  constructor(
    public status: number,
    public type: string,
    message: string,
    public code?: string,
    public param?: string,
  ) {
    super(message);
  }

  toBody() {
    const error: Json = { type: this.type, message: this.message };
    if (this.code) error.code = this.code;
    if (this.param) error.param = this.param;
    if (this.code) error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, "-")}`;
    return { error };
  }
}

export const invalid = (message: string, param?: string, code?: string) =>
  new StripeApiError(400, "invalid_request_error", message, code, param);
export const missing = (param: string) => invalid(`Missing required param: ${param}.`, param, "parameter_missing");
