/**
 * Fixed-window request counters (collection `rate_limit_windows`), shared by every BFF instance.
 * `_id` is `<bucket>:<subject>:<window start ms>`; expired windows are deleted by the periodic
 * sweep (the embedded engine has no TTL indexes, so none is declared).
 */
import { Schema } from 'mongoose';

export interface RateLimitWindowDoc {
  _id: string;
  count: number;
  /** End of the window; the sweep deletes the document after it. */
  expiresAt: Date;
}

export const rateLimitWindowSchema = new Schema<RateLimitWindowDoc>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'rate_limit_windows', autoIndex: false, versionKey: false },
);
rateLimitWindowSchema.index({ expiresAt: 1 });
