import { describe, expect, it } from 'vitest';
import { matchesFilter, parseFilter } from './filter.js';

const occ = {
  vnfInstanceId: 'abc',
  operationState: 'FAILED_TEMP',
  operation: 'INSTANTIATE',
  isAutomaticInvocation: false,
  error: { status: 422, detail: "swImageId 'x,y' is not declared" },
  resourceChanges: { affectedVnfcs: [{ vduId: 'fwd' }, { vduId: 'lb' }] },
};

const matches = (filter: string): boolean => matchesFilter(occ, parseFilter(filter));

describe('SOL013 attribute filter', () => {
  it('parses terms, nested paths and quoted values', () => {
    expect(
      parseFilter("(eq,vnfInstanceId,abc);(in,operationState,FAILED_TEMP,FAILED);(cont,error/detail,'x,y')"),
    ).toEqual([
      { op: 'eq', path: ['vnfInstanceId'], values: ['abc'] },
      { op: 'in', path: ['operationState'], values: ['FAILED_TEMP', 'FAILED'] },
      { op: 'cont', path: ['error', 'detail'], values: ['x,y'] },
    ]);
    expect(parseFilter("(eq,a,'it''s')")[0]?.values).toEqual(["it's"]);
  });

  it('ANDs terms and compares strings, numbers and booleans', () => {
    expect(matches('(eq,vnfInstanceId,abc);(eq,operation,INSTANTIATE)')).toBe(true);
    expect(matches('(eq,vnfInstanceId,abc);(eq,operation,TERMINATE)')).toBe(false);
    expect(matches('(neq,operationState,COMPLETED)')).toBe(true);
    expect(matches('(nin,operationState,FAILED_TEMP,FAILED)')).toBe(false);
    expect(matches('(gte,error/status,422);(lt,error/status,500)')).toBe(true);
    expect(matches('(gt,error/status,422)')).toBe(false);
    expect(matches('(eq,isAutomaticInvocation,false)')).toBe(true);
    expect(matches('(cont,error/detail,not declared)')).toBe(true);
    expect(matches('(ncont,error/detail,declared)')).toBe(false);
  });

  it('matches an array attribute when any element does', () => {
    expect(matches('(eq,resourceChanges/affectedVnfcs/vduId,lb)')).toBe(true);
    expect(matches('(neq,resourceChanges/affectedVnfcs/vduId,lb)')).toBe(false);
    expect(matches('(eq,missing/attr,x)')).toBe(false);
  });

  it('rejects malformed expressions with a 400', () => {
    for (const bad of [
      'eq,a,b',
      '(eq,a)',
      '(like,a,b)',
      '(eq,a,b',
      '(eq,a,b)(eq,c,d)',
      "(eq,a,'b)",
      '(eq,a,b,c)',
      '',
    ]) {
      expect(() => parseFilter(bad), bad).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});
