/** The title of each status the service answers with a problem document (RFC 9110's reason phrases). */
export const statusTitles: Readonly<Record<number, string>> = Object.freeze({
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
});

/** An RFC 9457 body of `status`: its exact title, and a detail that says something. */
export function expectProblemBody(body: unknown, status: number): void {
  expect(body).toMatchObject({ type: 'about:blank', status, title: statusTitles[status], detail: expect.stringMatching(/\S{2,}/) });
}
