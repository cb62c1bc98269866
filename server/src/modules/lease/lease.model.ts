/**
 * Named leases (collection `leases`): one document per lease name, held by one instance until
 * `leaseUntil`. Background tasks marked `exclusive` take one per run so a single instance of the
 * fleet runs them per interval. Expired leases are simply taken over, never deleted.
 */
import { Schema } from 'mongoose';

export interface LeaseDoc {
  /** The lease name, e.g. `task:upload-cleanup`. */
  _id: string;
  /** Instance id of the holder. */
  holder: string;
  /** The lease is free from this instant on. */
  leaseUntil: Date;
  acquiredAt: Date;
}

export const leaseSchema = new Schema<LeaseDoc>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    leaseUntil: { type: Date, required: true },
    acquiredAt: { type: Date, required: true },
  },
  { collection: 'leases', autoIndex: false, versionKey: false },
);
