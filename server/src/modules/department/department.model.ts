/** Departments that handle cases (collection `departments`). */
import { Schema, type Types } from 'mongoose';

export interface DepartmentDoc {
  _id: Types.ObjectId;
  /** Unique. */
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export const departmentSchema = new Schema<DepartmentDoc>(
  {
    name: { type: String, required: true },
    description: { type: String, default: '' },
  },
  { collection: 'departments', timestamps: true, autoIndex: false },
);
departmentSchema.index({ name: 1 }, { unique: true });
