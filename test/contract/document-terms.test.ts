/**
 * Terms of the OpenAPI document that no schema can carry, held here so they stay (issue 8): the public routes say
 * they are public, and POST /v1/score states its limit on exposure lines where a client reads it.
 */
import { describe, expect, it } from 'vitest';
import { SCORE_MAX_LINES } from '../../shared/http/schemas.ts';
import { document, operations } from './openapi-doc.ts';

describe('the OpenAPI document states', () => {
  it('that /health and /openapi.json need no token (security: []), and that they alone', () => {
    expect(document.paths['/health']?.get?.security).toEqual([]);
    expect(document.paths['/openapi.json']?.get?.security).toEqual([]);
    expect(operations.filter((o) => o.scope === null).map((o) => o.operationId)).toEqual(['health', 'openapi']);
  });

  it("POST /v1/score's limit of 5,000 exposure lines, and the 413 above it", () => {
    const score = document.paths['/v1/score']?.post;
    const limit = `${SCORE_MAX_LINES.toLocaleString('en-US')} exposure lines`;
    expect(limit).toBe('5,000 exposure lines');
    expect(score?.description).toContain(limit);
    expect(score?.description).toContain('413');
    expect(score?.responses['413']).toMatchObject({ description: expect.stringContaining(limit) });
  });
});
