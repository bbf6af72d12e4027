import { describe, expect, it } from 'vitest';
import { ConsensusError, isConsensusError, toConsensusError } from './errors.js';

describe('toConsensusError', () => {
  const ours = new ConsensusError('bad-vote', 'vote is odd', { detail: ['x'] });
  const cases = [
    {
      desc: 'consensus-error-passes-through',
      err: ours,
      code: 'bad-vote',
      detail: ['x'],
      same: true,
    },
    {
      desc: 'ethers-error-keeps-first-line',
      err: new TypeError('invalid BytesLike value (argument="value", value="0x1")\nmore'),
      code: 'bad-field',
      detail: ['invalid BytesLike value (argument="value", value="0x1")'],
      same: false,
    },
    { desc: 'string-thrown', err: 'boom', code: 'bad-field', detail: ['boom'], same: false },
    {
      desc: 'undefined-thrown',
      err: undefined,
      code: 'bad-field',
      detail: ['undefined'],
      same: false,
    },
  ];

  it.each(cases)('maps $desc', ({ err, code, detail, same }) => {
    const mapped = toConsensusError(err, 'bad-field', 'header field list is not hex');

    expect(mapped).toBeInstanceOf(ConsensusError);
    expect(mapped.code).toBe(code);
    expect(mapped.detail).toEqual(detail);
    expect(mapped === err).toBe(same);
    if (!same) expect(mapped.cause).toBe(err);
  });

  it('tells ConsensusErrors and their codes apart', () => {
    expect(isConsensusError(ours)).toBe(true);
    expect(isConsensusError(ours, 'bad-vote')).toBe(true);
    expect(isConsensusError(ours, 'bad-round')).toBe(false);
    expect(isConsensusError(new Error('x'))).toBe(false);
    expect(ours.name).toBe('ConsensusError');
  });
});
