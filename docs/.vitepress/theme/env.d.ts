// Vite imports stylesheets for their side effect; TypeScript needs to know such a module exists.
declare module '*.css';
