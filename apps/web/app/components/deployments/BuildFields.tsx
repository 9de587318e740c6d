import { Checkbox, cx, focusRing, inputClasses } from "@autostack/ui";
import { NODE_MAJORS } from "@autostack/api/schemas";
import type { FieldErrors } from "~/lib/forms";
import { automaticNodeLabel, installDescription } from "./detection";
import { DeployTextField, type DeployFormBinding } from "./DeployTextField";
import { DetectionPanel } from "./DetectionPanel";
import { EnvVarsField } from "./EnvVarsField";
import type { DetectionState } from "./use-detection";

// The wizard's second step: how to build. Detection's findings sit above the
// fields it filled in; every field stays the user's to change.

interface BuildFieldsProps extends DeployFormBinding {
  envServerErrors: FieldErrors;
  detection: DetectionState;
  onRedetect: () => void;
}

const NEWEST_FIRST = [...NODE_MAJORS].reverse();

function NodeVersionField({ value, onChange, automaticLabel, error }: { value: string; onChange: (value: string) => void; automaticLabel: string; error?: string }) {
  return (
    <div>
      <label htmlFor="deploy-node-version" className="mb-1.5 block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        Node.js version
      </label>
      <select
        id="deploy-node-version"
        name="nodeVersion"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby="deploy-node-version-hint"
        className={cx(inputClasses, focusRing, error ? "border-red-500" : "border-zinc-300 hover:border-zinc-400 dark:border-zinc-700 dark:hover:border-zinc-600")}
      >
        <option value="">{automaticLabel}</option>
        {NEWEST_FIRST.map((major) => (
          <option key={major} value={major}>
            Node.js {major}
          </option>
        ))}
      </select>
      <p id="deploy-node-version-hint" className={cx("mt-1.5 text-[13px]", error ? "text-red-600 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400")}>
        {error ?? "Automatic follows package.json's engines.node at every build, else Node.js 20."}
      </p>
    </div>
  );
}

export function BuildFields({ values, errors, envServerErrors, set, detection, onRedetect }: BuildFieldsProps) {
  const form = { values, errors, set };
  const detected = detection.status === "done" ? detection.detection : null;
  return (
    <>
      <DetectionPanel state={detection} onRedetect={onRedetect} />
      <div className="grid gap-5 sm:grid-cols-2">
        <DeployTextField {...form} field="buildCommand" mono label="Build command" hint="Leave empty to serve the files as committed." />
        <DeployTextField
          {...form}
          field="installCommand"
          mono
          label="Install command"
          placeholder="Automatic"
          hint={`Automatic when empty. Install command: ${installDescription(detected).replace(/^./, (c) => c.toLowerCase())}.`}
        />
      </div>
      <div className="grid gap-5 sm:grid-cols-2">
        <DeployTextField {...form} field="outputDir" mono label="Output directory" hint="The folder the build writes the site to, relative to the root directory." />
        <NodeVersionField value={values.nodeVersion} onChange={set("nodeVersion")} automaticLabel={automaticNodeLabel(detected)} error={errors.nodeVersion} />
      </div>
      <Checkbox
        name="spaFallback"
        value="true"
        checked={values.spaFallback === "true"}
        onChange={(e) => set("spaFallback")(e.currentTarget.checked ? "true" : "")}
        label="Single-page app"
        description="Paths without a file extension that match no file get index.html, for client-side routing. Otherwise they get the site's 404.html."
      />
      <EnvVarsField value={values.envVars} onChange={set("envVars")} serverErrors={envServerErrors} />
    </>
  );
}
