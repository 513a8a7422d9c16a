import { useState } from "preact/hooks";
import { ApiError, HubApi } from "../net/hub-api.js";
import type { Me } from "../net/contract.js";

interface Props {
  onSignedIn: (token: string, me: Me) => void;
  notice?: string | null;
}

/** Paste a bearer token; it is checked with `GET /api/me` before the dashboard opens. */
export function SignIn({ onSignedIn, notice }: Props) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(notice ?? null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const t = token.trim();
    if (t === "") return;
    setBusy(true);
    setError(null);
    try {
      const me = await new HubApi(t).me();
      onSignedIn(t, me);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? "The hub does not know this token." : `Cannot reach the hub: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="signin">
      <form class="card signin-card" onSubmit={submit}>
        <h1>Traffic signal operations</h1>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          autoFocus
          value={token}
          onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)}
          placeholder="paste your bearer token"
        />
        <p class="muted">Kept in this browser tab only (session storage) until you sign out.</p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || token.trim() === ""}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
