import { useNavigation } from "@remix-run/react";

/**
 * Whether a form POST is on its way, for a submit button's spinner. With
 * `actionPrefix`, only a POST to that route counts (a page that also links to
 * another form page must not spin for that one's submission).
 */
export function usePostSubmitting(actionPrefix?: string) {
  const navigation = useNavigation();
  const posting = navigation.state !== "idle" && navigation.formMethod === "POST";
  return actionPrefix === undefined ? posting : posting && navigation.formAction?.startsWith(actionPrefix);
}
