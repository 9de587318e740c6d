import type { MetaFunction } from "@remix-run/node";
import { LegalPage } from "~/components/LegalPage";

export const meta: MetaFunction = () => [{ title: "Terms of Service · Autostack" }];

export default function Terms() {
  return (
    <LegalPage
      title="Terms of Service"
      intro="Autostack is self-hosted software. These terms describe how this server is meant to be used; the organisation that runs it may add its own."
    >
      <section>
        <h2>Who runs this server</h2>
        <p>
          This Autostack instance is operated by whoever installed it, not by the Autostack project. Questions about your account,
          your data or the availability of this server go to that operator.
        </p>
      </section>
      <section>
        <h2>Your account</h2>
        <p>
          Keep your password to yourself and sign out on shared computers. You are responsible for what is deployed from your
          account, and you may delete the account at any time from Settings.
        </p>
      </section>
      <section>
        <h2>What you deploy</h2>
        <p>
          Only deploy code you have the right to run, and nothing that harms others or this server. The operator may stop
          deployments that do.
        </p>
      </section>
      <section>
        <h2>No warranty</h2>
        <p>The software is provided as it is, without warranty of any kind.</p>
      </section>
    </LegalPage>
  );
}
