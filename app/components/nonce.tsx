import { createContext, useContext } from "react";

// The per-response CSP nonce for the inline scripts Remix renders. Only the
// server knows it; in the browser it is empty (browsers hide nonce values).
export const NonceContext = createContext("");
export const useNonce = () => useContext(NonceContext);
