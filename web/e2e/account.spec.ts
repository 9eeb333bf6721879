// The Account page (SPEC §5: change name, email and password; `Delete my account`).
import { test, expect, PASSWORD, signIn, goTo, submitSignIn, expectSignInForm, expectSignedIn, deleteRowConfirmed } from './fixtures';

test('account: change name, email and password, then delete the account', async ({ page, api }) => {
  const me = await api.register(undefined, undefined, { name: 'Kim Before', email: 'kim@example.org' });
  await signIn(page, me);
  await goTo(page, 'Account');

  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Kim Before');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('kim@example.org');
  await page.getByLabel('Name', { exact: true }).fill('Kim After');
  await page.getByLabel('Email', { exact: true }).fill('kim.after@example.org');
  await page.getByLabel('Name', { exact: true }).press('Enter');
  await expect
    .poll(async () => {
      const res = await api.http.get('/auth/me', { headers: { Authorization: `Bearer ${me.token}` } });
      const body = (await res.json()) as { me: { name: string; email: string } };
      return [body.me.name, body.me.email];
    })
    .toEqual(['Kim After', 'kim.after@example.org']);

  // A new password: the old one stops working, the new one signs in.
  const newPassword = `${PASSWORD} again`;
  await page.getByLabel(/^current password$/i).fill(PASSWORD);
  await page.getByLabel(/^new password$/i).fill(newPassword);
  await page.getByLabel(/^new password$/i).press('Enter');
  await expect.poll(async () => (await api.http.post('/auth', { data: { username: me.username, password: newPassword } })).status()).toBe(200);
  expect((await api.http.post('/auth', { data: { username: me.username, password: PASSWORD } })).status()).toBe(401);
  // (SPEC: a password change revokes every refresh token; the page may sign in again or carry on.)
  if (await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()) {
    await submitSignIn(page, me.username, newPassword);
  }
  await expectSignedIn(page);

  // Delete my account, confirmed: back to sign in, and the account cannot sign in any more.
  await goTo(page, 'Account');
  const zone = page.getByRole('main');
  await deleteRowConfirmed(page, zone, 'Delete my account');
  await expectSignInForm(page);
  await expect.poll(async () => (await api.http.post('/auth', { data: { username: me.username, password: newPassword } })).status()).toBe(401);
});
