/**
 * Terms of the OpenAPI document that no schema can carry, held here so they stay (issue 8): the public routes say
 * they are public, POST /v1/score states its limit on exposure lines where a client reads it, and the platform
 * operators' routes say they are theirs.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/http/routes.ts';
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

  it("which routes are for platform operators: in words, and as x-operator (the contract test's cue)", () => {
    const marked = ROUTES.filter((r) => 'operator' in r && r.operator).map((r) => r.id);
    expect(marked.length).toBeGreaterThan(0);
    expect(operations.filter((o) => o.operator).map((o) => o.operationId)).toEqual(marked);
    for (const o of operations.filter((x) => x.operator)) {
      expect(o.scope, o.operationId).toBe('risk/admin');
      const described = document.paths[o.path]?.[o.method.toLowerCase()]?.description;
      expect(described, o.operationId).toMatch(/platform operators only.*403/i);
    }
  });
});
