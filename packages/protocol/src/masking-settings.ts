import { z } from 'zod';

/** An organisation's own masking rule: a JavaScript regex, checked on save (validateCustomRule). */
export const CustomMaskingRuleSchema = z.object({
  id: z.string().min(1).max(40),
  pattern: z.string().min(1).max(512),
  flags: z.string().max(4).optional(),
  label: z.string().max(40).optional(),
});
export type CustomMaskingRule = z.infer<typeof CustomMaskingRuleSchema>;

export const PanDisplaySchema = z.enum(['last4', 'bin_last4', 'none']);

/** PUT /api/settings/masking: rules switched on/off by id, the PAN display, custom rules (replaced as a whole). */
export const MaskingSettingsInputSchema = z.object({
  rules: z.record(z.string().max(40), z.boolean()).optional(),
  panDisplay: PanDisplaySchema.optional(),
  customRules: z.array(CustomMaskingRuleSchema).max(20).optional(),
});
export type MaskingSettingsInput = z.infer<typeof MaskingSettingsInputSchema>;

/** GET/PUT /api/settings/masking answer: every built-in rule with its state, and the rest. */
export const MaskingSettingsSchema = z.object({
  rules: z.record(z.string(), z.boolean()),
  panDisplay: PanDisplaySchema,
  customRules: z.array(CustomMaskingRuleSchema),
  version: z.number(),
  updatedAt: z.number().nullable(),
});
export type MaskingSettings = z.infer<typeof MaskingSettingsSchema>;

/** POST /api/settings/masking/test: a candidate custom rule tried on sample text before saving. */
export const MaskingRuleTestInputSchema = z.object({
  rule: CustomMaskingRuleSchema,
  text: z.string().max(4096),
});
export type MaskingRuleTestInput = z.infer<typeof MaskingRuleTestInputSchema>;

/** The sample text masked with the organisation's settings plus the candidate rule (never the raw text). */
export const MaskingRuleTestResultSchema = z.object({
  text: z.string(),
  findings: z.array(z.object({ type: z.string(), start: z.number(), end: z.number() })),
});
export type MaskingRuleTestResult = z.infer<typeof MaskingRuleTestResultSchema>;
