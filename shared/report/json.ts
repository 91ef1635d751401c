import type { ScoredSupplier } from '../model/types.ts';
import type { Rejection, RunHeader, RunSummary } from './summary.ts';

/**
 * The public result document, written piece by piece so a million suppliers never sit in memory as one string:
 * { asOf, buyerCountry, modelVersion, dataVersion, results: [...], rejected: [...], summary }.
 */
export class JsonResultWriter {
  private first = true;
  constructor(private readonly write: (chunk: string) => void) {}

  begin(h: RunHeader): void {
    this.write(
      `{"asOf":${JSON.stringify(h.asOf)},"buyerCountry":${JSON.stringify(h.buyerCountry)},"modelVersion":${JSON.stringify(h.modelVersion)},"dataVersion":${JSON.stringify(h.dataVersion)},"results":[`,
    );
  }

  result(s: ScoredSupplier): void {
    this.write(`${this.first ? '\n' : ',\n'}${JSON.stringify(s)}`);
    this.first = false;
  }

  end(rejected: readonly Rejection[], summary: RunSummary): void {
    this.write(`\n],"rejected":${JSON.stringify(rejected)},"summary":${JSON.stringify(summary)}}\n`);
  }
}
