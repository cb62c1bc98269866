/** antd form rules from the shared zod schemas, so the console checks what the BFF checks. */
import type { FormRule } from 'antd';
import type { z } from 'zod';

/** A form rule running `schema` on the field's value and showing zod's first Chinese message. */
export function zodRule(schema: z.ZodType): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      const result = schema.safeParse(value ?? undefined);
      if (!result.success) throw new Error(result.error.issues[0]?.message ?? '输入有误');
    },
  };
}
