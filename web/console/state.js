// The signed-in session, shared by every page (filled in by app.js from /console/api/session).
export const session = {
  signedIn: false,
  accountId: '',
  userName: '',
  arn: '',
  isRoot: false,
};

export const region = 'us-east-1';

export function setSession(s) {
  for (const k of Object.keys(session)) delete session[k];
  Object.assign(session, {signedIn: false, accountId: '', userName: '', arn: '', isRoot: false},
                s || {});
}
