/** The result files of earlier runs, read back to build one table from all of them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './types';

/** Every result file in the folder that parses as a run; a broken file is reported and left out; traces (--trace) are not results. */
export function readResults(dir: string, warn: (line: string) => void = (l) => process.stderr.write(l + '\n')): BenchResult[] {
  if (!existsSync(dir)) return [];
  const out: BenchResult[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.endsWith('.trace.json')).sort()) {
    try {
      const r = JSON.parse(readFileSync(join(dir, name), 'utf8')) as BenchResult;
      if (r && typeof r.label === 'string' && r.dataset && r.initialUpload) out.push(r);
      else warn(`[bench] ${name} is not a benchmark result; left out of BENCHMARKS.md.`);
    } catch (e) {
      warn(`[bench] ${name} could not be read (${e instanceof Error ? e.message : String(e)}); left out of BENCHMARKS.md.`);
    }
  }
  return out;
}
