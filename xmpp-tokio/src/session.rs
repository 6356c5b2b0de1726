//! What an online connection offers in either role: its identity, a sending handle, its
//! event stream and its end.

/// Implements the online-connection API on a type with the fields `handle`, `events`,
/// `jid`, `tls`, `mechanism` and `task`.
macro_rules! online_api {
    ($ty:ident) => {
        impl $ty {
            /// The full JID bound to the stream.
            pub fn jid(&self) -> &xmpp_core::Jid {
                &self.jid
            }

            /// The TLS session (version, channel-binding data, peer certificates, ALPN);
            /// `None` without TLS.
            pub fn tls_info(&self) -> Option<&xmpp_core::tls::TlsInfo> {
                self.tls.as_ref()
            }

            /// The SASL mechanism that authenticated the stream.
            pub fn mechanism(&self) -> Option<xmpp_core::sasl::Mechanism> {
                self.mechanism
            }

            /// A cloneable handle for sending from other tasks.
            pub fn handle(&self) -> $crate::Handle {
                self.handle.clone()
            }

            /// [`Handle::send`]($crate::Handle::send).
            pub async fn send(
                &self,
                stanza: xmpp_core::xml::XmlElement,
            ) -> Result<(), $crate::Error> {
                self.handle.send(stanza).await
            }

            /// [`Handle::request`]($crate::Handle::request): an iq and its response.
            pub async fn request(
                &self,
                iq: xmpp_core::xml::XmlElement,
            ) -> Result<xmpp_core::xml::Element, $crate::Error> {
                self.handle.request(iq).await
            }

            /// The next event; `None` once the connection has ended and every event was
            /// taken.
            pub async fn next_event(&mut self) -> Option<xmpp_core::Event> {
                self.events.recv().await
            }

            /// Closes the stream (RFC 6120 §4.4), discards the remaining events, and waits
            /// for the end: `Ok` with the engine's close reason
            /// ([`CloseReason::Local`](xmpp_core::CloseReason::Local) when the peer
            /// answered our `</stream:stream>`), `Err` on an I/O failure.
            pub async fn close(self) -> Result<xmpp_core::CloseReason, $crate::Error> {
                let _ = self.handle.command($crate::driver::Command::Close).await;
                self.finish().await
            }

            /// Waits for the connection to end without closing it (discarding events).
            pub async fn finish(mut self) -> Result<xmpp_core::CloseReason, $crate::Error> {
                while self.events.recv().await.is_some() {}
                let failed = || $crate::Error::closed(xmpp_core::CloseReason::TransportFailed);
                match self.task.take() {
                    Some(task) => task.await.unwrap_or_else(|_| Err(failed())),
                    None => Err(failed()),
                }
            }
        }

        impl futures_core::Stream for $ty {
            type Item = xmpp_core::Event;

            fn poll_next(
                mut self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<xmpp_core::Event>> {
                self.events.poll_recv(cx)
            }
        }
    };
}
pub(crate) use online_api;
