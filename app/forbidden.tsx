import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-slate-600">Your role does not give access to this page.</p>
      <Link href="/" className="mt-6 inline-block text-brand underline">
        Back to the start page
      </Link>
    </main>
  );
}
