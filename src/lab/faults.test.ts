import { describe, expect, it } from 'vitest';
import { parseLabFault } from './faults.js';
import { vnfmOpOf } from './vnfm/vnfm-faults.js';

describe('parseLabFault', () => {
  it('reads each kind of fault', () => {
    expect(parseLabFault('vnfm.instantiate=http500')).toEqual({
      kind: 'vnfm',
      spec: 'vnfm.instantiate=http500',
      op: 'instantiate',
      fault: 'http500',
    });
    expect(parseLabFault(' VNFM.Terminate=FAILED ')).toMatchObject({ op: 'terminate', fault: 'failed' });
    expect(parseLabFault('migration=fail-halfway')).toMatchObject({ kind: 'migration' });
    expect(parseLabFault('host.source=sigkill@step8+200ms')).toMatchObject({
      kind: 'process',
      target: { host: 'source' },
      signal: 'SIGKILL',
      at: { step: 8, afterMs: 200 },
    });
    expect(parseLabFault('host.2=sigstop@step3')).toMatchObject({
      target: { host: 2 },
      signal: 'SIGSTOP',
      at: { step: 3, afterMs: 0 },
    });
    expect(parseLabFault('fabric=sigstop@step10')).toMatchObject({ kind: 'process', target: 'fabric' });
    expect(parseLabFault('host.source=freeze300ms@step7+100ms')).toEqual({
      kind: 'process',
      spec: 'host.source=freeze300ms@step7+100ms',
      target: { host: 'source' },
      signal: 'SIGSTOP',
      freezeMs: 300,
      at: { step: 7, afterMs: 100 },
    });
    expect(parseLabFault('host.source=freeze0ms@step7')).toMatch(/freeze for at least 1 ms/);
    expect(parseLabFault('host.source=freezems@step7')).toMatch(/freezeMSms \(freezes for MS ms/);
    expect(parseLabFault('traffic=die@step7')).toMatchObject({
      kind: 'traffic',
      at: { step: 7, afterMs: 0 },
    });
  });

  it.each([
    ['vnfm.instantiate', /is not a fault: write TARGET=FAULT/],
    ['vnfm.scale=http500', /unknown VNFM operation 'scale'/],
    ['vnfm.instantiate=http418', /unknown VNFM fault 'http418'/],
    ['vnfm.delete=failed', /only instantiate, operate, terminate have/],
    ['vnfm.instantiate=http500@step1', /vnfm\.instantiate faults are not timed/],
    ['migration=fail-early', /use fail-halfway/],
    ['host.source=sigkill', /needs a moment/],
    ['host.source=sigkill@8', /is not a moment/],
    ['host.source=sigkill@step0', /numbered from 1/],
    ['host.9=sigkill@step1', /unknown host '9'/],
    ['fabric=sigterm@step1', /use sigkill \(dies\), sigstop \(freezes\) or freezeMSms/],
    ['traffic=die@step1@step2', /more than one '@'/],
    ['disk=full', /unknown fault target 'disk'/],
  ])('refuses %s, saying how to fix it', (spec, says) => {
    const parsed = parseLabFault(spec);
    expect(typeof parsed).toBe('string');
    expect(parsed).toMatch(says);
  });
});

describe('vnfmOpOf: which request is which operation', () => {
  it.each([
    ['POST', '/vnflcm/v2/vnf_instances', 'create'],
    ['POST', '/vnflcm/v2/vnf_instances/abc/instantiate', 'instantiate'],
    ['POST', '/vnflcm/v2/vnf_instances/abc/operate', 'operate'],
    ['POST', '/vnflcm/v2/vnf_instances/abc/terminate', 'terminate'],
    ['DELETE', '/vnflcm/v2/vnf_instances/abc', 'delete'],
    ['GET', '/vnflcm/v2/vnf_instances/abc', 'query'],
    ['GET', '/vnflcm/v2/vnf_instances', 'query'],
    ['GET', '/vnflcm/v2/vnf_lcm_op_occs/op-1', 'poll'],
    ['POST', '/vnflcm/v2/subscriptions', null],
    ['GET', '/vnflcm/v2/api_versions', null],
  ])('%s %s -> %s', (method, path, op) => {
    expect(vnfmOpOf(method, path)).toBe(op);
  });
});
