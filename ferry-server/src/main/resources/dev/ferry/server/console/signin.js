// Signs in with an API token: the server answers with an HttpOnly session cookie; the token is not kept here.
const form = document.getElementById('signin-form');
const error = document.getElementById('signin-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const field = document.getElementById('token');
  const token = field.value.trim();
  field.value = '';
  try {
    const answer = await fetch('/v1/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
    });
    if (answer.ok) {
      location.assign('/');
      return;
    }
    const body = await answer.json().catch(() => ({}));
    error.textContent = body.message || `Sign-in failed (HTTP ${answer.status})`;
  } catch (e) {
    error.textContent = `Cannot reach the Ferry server: ${e.message}`;
  }
});
