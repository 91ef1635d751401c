/**
 * An RMI workbook reaches the API function as its bytes without any binary media type configured: the API is an HTTP
 * API (API Gateway v2) with Lambda integrations of payload format 2.0, which hand a body whose media type is not text
 * to the function base64-encoded (`isBase64Encoded`), and there is no REST API, whose Lambda proxy integrations would
 * need `binaryMediaTypes` to keep the bytes intact.
 */
import { describe, expect, it } from 'vitest';
import { synth } from './synth.ts';

describe('binary request bodies (RMI workbooks)', () => {
  it('the API is an HTTP API with payload 2.0 integrations, and no REST API', () => {
    const { template } = synth({ stage: 'dev' });
    const apis = Object.values(template.findResources('AWS::ApiGatewayV2::Api'));
    expect(apis.map((a) => a.Properties.ProtocolType)).toEqual(['HTTP']);
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations.length).toBeGreaterThan(0);
    for (const i of integrations)
      expect(i.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
  });
});
