import { describe, expect, it } from 'vitest';
import { errorOf, errorText } from './errors';
import { ApiError } from './api';

// Outside a browser the console's language is English.
describe('the console error texts', () => {
  it("keep a server message that has details of its own, and use the catalog's for the code's own", () => {
    expect(errorText('bad_request', 'Not an origin (scheme://host[:port], no path): x')).toBe(
      'Not an origin (scheme://host[:port], no path): x',
    );
    expect(errorText('bad_request', 'The request is not valid.')).toBe(errorText('bad_request'));
    expect(errorText('no_such_code', 'Something specific.')).toBe('Something specific.');
    expect(errorText(undefined)).toBe(errorText('no_such_code'));
  });

  it('read an ApiError by its code and message', () => {
    const e = new ApiError(400, 'bad_request', 'A report covers at most 400 days.');
    expect(errorOf(e)).toBe('A report covers at most 400 days.');
  });
});
