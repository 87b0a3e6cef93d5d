import { failureDetails } from './failure';

describe('failureDetails', () => {
  it('names a failure by its class, and by its code when it has a textual one', () => {
    const named = (error: unknown) => failureDetails(error, { functionVersion: '3' }).errorName;
    expect(named(Object.assign(new TypeError('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(named(Object.assign(new Error('x'), { code: '' }))).toBe('Error');
    expect(named(Object.assign(new Error('x'), { code: 42 }))).toBe('Error');
    expect(named(new RangeError('x'))).toBe('RangeError');
  });

  it('turns a thrown value that is not an Error into one, and carries the function version', () => {
    const details = failureDetails('plain text', { functionVersion: '3' });
    expect(details).toEqual({ errorName: 'Error', functionVersion: '3', error: new Error('plain text') });
    expect(details.error).toBeInstanceOf(Error);
  });
});
