/**
 * What the hosts that cannot drop a connection (Deno.serve, workerd) send for a `reset` fault: the
 * success headers, then a body stream that fails, so the client sees the connection break mid-body.
 */
export const droppedConnection = (): Response =>
  new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new TypeError("emulator: connection reset"))
      }
    }),
    { status: 200, headers: { "content-type": "application/json" } }
  )
