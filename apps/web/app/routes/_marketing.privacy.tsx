import type { MetaFunction } from "@remix-run/node";
import { LegalPage } from "~/components/LegalPage";

export const meta: MetaFunction = () => [{ title: "Privacy Policy · Autostack" }];

export default function Privacy() {
  return (
    <LegalPage
      title="Privacy Policy"
      intro="What this Autostack server keeps about you, and why. Your data stays on the server you signed up on."
    >
      <section>
        <h2>What is stored</h2>
        <p>
          Your name, email address and a hash of your password (never the password itself); your preferences; the sessions
          you are signed in with, including the browser and IP address they came from; and the projects and deployments you
          create, with their build logs.
        </p>
      </section>
      <section>
        <h2>Cookies</h2>
        <p>
          A session cookie keeps you signed in, a cookie remembers your theme, and a short-lived cookie carries one-off
          notifications such as “Signed in”. There are no advertising or tracking cookies.
        </p>
      </section>
      <section>
        <h2>Email</h2>
        <p>Mail is sent only for your account, for example a password reset link you asked for.</p>
      </section>
      <section>
        <h2>Deleting your data</h2>
        <p>Deleting your account in Settings removes your profile, sessions, projects and deployments from this server.</p>
      </section>
    </LegalPage>
  );
}
