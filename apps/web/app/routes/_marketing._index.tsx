import { CallToAction } from "~/components/landing/CallToAction";
import { Features } from "~/components/landing/Features";
import { Hero } from "~/components/landing/Hero";
import { HowItWorks } from "~/components/landing/HowItWorks";

export default function Landing() {
  return (
    <>
      <Hero />
      <Features />
      <HowItWorks />
      <CallToAction />
    </>
  );
}
