import { useEffect, useMemo, useState } from "preact/hooks";
import type { Me } from "../net/contract.js";
import { HubApi } from "../net/hub-api.js";
import { LiveClient, type ConnectionState } from "../net/live-client.js";
import { LiveStore } from "../state/live-store.js";
import { useRoute } from "../state/route.js";
import { useStoreVersion } from "../state/use-store.js";
import { AlarmsPanel } from "./AlarmsPanel.js";
import { CityView } from "./CityView.js";
import { IntersectionView } from "./IntersectionView.js";
import { PerformanceView } from "./PerformanceView.js";
import { SignIn } from "./SignIn.js";

const TOKEN_KEY = "traffic.hub.token";

interface Session {
  token: string;
  me: Me;
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(() => sessionStorage.getItem(TOKEN_KEY) !== null);
  const [notice, setNotice] = useState<string | null>(null);

  // A token kept from earlier in this tab is checked again: the hub may have revoked it.
  useEffect(() => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token === null) return;
    new HubApi(token)
      .me()
      .then((me) => setSession({ token, me }))
      .catch(() => {
        sessionStorage.removeItem(TOKEN_KEY);
        setNotice("Your session ended; sign in again.");
      })
      .finally(() => setChecking(false));
  }, []);

  if (checking) return <main class="signin"><p class="muted">Connecting…</p></main>;
  if (!session)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(token, me) => {
          sessionStorage.setItem(TOKEN_KEY, token);
          setSession({ token, me });
        }}
      />
    );
  return (
    <Dashboard
      session={session}
      onSignOut={() => {
        sessionStorage.removeItem(TOKEN_KEY);
        setNotice(null);
        setSession(null);
      }}
    />
  );
}

function Dashboard({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const api = useMemo(() => new HubApi(session.token), [session.token]);
  const store = useMemo(() => new LiveStore(), [session.token]);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const live = useMemo(
    () => new LiveClient({ url: api.liveUrl(location), onMessage: (m) => store.apply(m), onState: setConnection }),
    [api, store],
  );
  useEffect(() => {
    live.start();
    return () => live.stop();
  }, [live]);
  useStoreVersion(store);
  const route = useRoute();
  const canControl = session.me.role !== "viewer";

  // `/` focuses the search from anywhere but a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
      if (e.key === "/" && !typing) {
        const search = document.getElementById("search");
        if (search) {
          e.preventDefault();
          search.focus();
        } else {
          location.hash = "#/";
        }
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  return (
    <div class="layout">
      <header class="topbar">
        <a class="brand" href="#/">
          Traffic signal operations
        </a>
        <span class={`conn conn-${connection}`} data-testid="connection">
          {connection === "live" ? "● live" : connection === "connecting" ? "connecting…" : connection === "stopped" ? "stopped" : "reconnecting…"}
        </span>
        <span class="spacer" />
        <span class="user" data-testid="me">
          {session.me.name} <span class={`role role-${session.me.role}`}>{session.me.role}</span>
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {connection === "reconnecting" && (
        <div class="banner" role="status" data-testid="reconnecting">
          Reconnecting to the hub… the page shows the last state it received until the hub answers.
        </div>
      )}
      <div class="content">
        <main class={connection === "live" ? "main" : "main stale"}>
          {route.view === "performance" ? (
            <PerformanceView key={route.intersectionId} id={route.intersectionId} api={api} />
          ) : route.view === "intersection" ? (
            <IntersectionView key={route.intersectionId} id={route.intersectionId} api={api} store={store} live={live} canControl={canControl} canEditZones={session.me.role === "admin"} />
          ) : (
            <CityView store={store} />
          )}
        </main>
        <AlarmsPanel store={store} api={api} canAcknowledge={canControl} />
      </div>
    </div>
  );
}
