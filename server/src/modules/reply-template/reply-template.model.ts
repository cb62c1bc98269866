/** Reply templates (常用语) kept by the office (collection `reply_templates`). */
import { Schema, type Types } from 'mongoose';

export interface ReplyTemplateDoc {
  _id: Types.ObjectId;
  /** Unique. */
  title: string;
  text: string;
  /** A letter category key, or null for every category. */
  category: string | null;
  updatedBy: string;
  updatedByUsername: string;
  createdAt: Date;
  updatedAt: Date;
}

export const replyTemplateSchema = new Schema<ReplyTemplateDoc>(
  {
    title: { type: String, required: true },
    text: { type: String, required: true },
    category: { type: String, default: null },
    updatedBy: { type: String, required: true },
    updatedByUsername: { type: String, required: true },
  },
  { collection: 'reply_templates', timestamps: true, autoIndex: false },
);
replyTemplateSchema.index({ title: 1 }, { unique: true });
replyTemplateSchema.index({ category: 1, title: 1 });
