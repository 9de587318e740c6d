// Any path no other route claims: the root ErrorBoundary shows the 404 page.
export function loader() {
  throw new Response("Not Found", { status: 404, statusText: "Not Found" });
}

export default function NotFound() {
  return null;
}
