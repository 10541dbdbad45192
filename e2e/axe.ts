import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** axe-core on one part of a page: its serious and critical violations (none is the bar). */
export async function seriousViolations(
  target: Page | Frame,
  selector: string,
): Promise<AxeViolation[]> {
  await target.evaluate(axeSource);
  const violations = await target.evaluate(async (sel) => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    return (await axe.run({ include: [[sel]] }, { resultTypes: ['violations'] })).violations;
  }, selector);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
