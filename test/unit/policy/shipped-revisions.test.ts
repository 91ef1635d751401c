import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type RevisionRequest, recordRevision } from '../../../shared/policy/record-revision.ts';
import { agreementBody, policyEventBody } from '../../../shared/policy/validate.ts';
import { baselineTimeline } from '../../../shared/reference/index.ts';
import { FakePolicyRevisions } from '../../helpers/fake-policy.ts';

const dir = new URL('../../../events/policy/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('the revision files shipped in events/policy/', () => {
  it.each(files)('%s is a valid revision (checked as the admin route checks it)', async (file) => {
    const { type, id, ...body } = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, unknown>;
    // The body as the admin route reads it (its shape, strictly), then the checks only the reference data can make.
    const parsed = (type === 'agreement' ? agreementBody : policyEventBody).parse(body);
    const request = { kind: type, id, action: 'put', body: parsed } as RevisionRequest;
    const r = await recordRevision(
      { store: new FakePolicyRevisions(), baseline: baselineTimeline, now: () => new Date('2026-12-03T00:00:00Z') },
      request,
      { actor: 'test', dryRun: true },
    );
    expect(r.after).toMatchObject({ id });
    expect(r.revision.source.url).toMatch(/^https:\/\//);
  });
});
