import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import { kubernetesKind } from './kind.js';

const config = (probe: string) => `
endpoints:
  - { name: rpc, url: 'http://127.0.0.1:8545' }
probes:
  - { name: kube, kind: kubernetes${probe} }
`;
const parse = (probe: string) => parseConfig(config(probe), [kubernetesKind], {});

describe('kubernetes kind options', () => {
  it('fills the documented defaults', () => {
    expect(parse('').probes[0]).toMatchObject({
      namespace: 'besu-network',
      selectors: {
        validator: 'component=validator',
        rpc: 'component=rpc',
        publisher: 'app=oracle-publisher',
      },
      validatorAddressAnnotation: 'chainprobe.io/validator-address',
      podValidators: {},
    });
  });

  it('normalises configured validator addresses to lowercase', () => {
    const p = parse(`, podValidators: { besu-validator-0: '0x${'AB'.repeat(20)}' }`).probes[0];
    expect(p?.podValidators).toEqual({ 'besu-validator-0': `0x${'ab'.repeat(20)}` });
  });

  it.each([
    { desc: 'bad-namespace', probe: ', namespace: Besu_Network', msg: 'probes[0].namespace' },
    { desc: 'unknown-option', probe: ', namespaces: [a]', msg: "unknown key 'namespaces'" },
    { desc: 'bad-address', probe: ', podValidators: { v0: "0x12" }', msg: 'podValidators.v0' },
    { desc: 'non-http-api-url', probe: ', apiUrl: "unix:///var/run/k8s"', msg: 'probes[0].apiUrl' },
    { desc: 'endpoints-given', probe: ', endpoints: [rpc]', msg: 'probes no endpoints' },
    {
      desc: 'api-url-and-kubeconfig',
      probe: ', apiUrl: "http://127.0.0.1:1", kubeconfig: /k',
      msg: 'either apiUrl or kubeconfig',
    },
  ])('rejects $desc', ({ probe, msg }) => {
    let issues: string[] = [];
    try {
      parse(probe);
    } catch (err) {
      issues = (err as { issues: string[] }).issues;
    }
    expect(issues.join('\n')).toContain(msg);
  });
});
