//! Live update notices for a wave's dashboard: whenever new responses of the wave were counted, on any
//! instance (through the event bus), a notice carrying only the wave's id; a burst of counts is one notice.
//! The notices say nothing of the responses: the dashboard reads the report again.

use std::time::Duration;

use futures::Stream;
use serap_shared::events::LiveEvent;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// Notices for one wave are sent at most this often.
const COALESCE: Duration = Duration::from_millis(250);

/// The id of wave `slug`, and the stream of its update notices (each the wave's id) from now on. A
/// subscriber that fell behind gets a notice too, since it may have missed some.
pub async fn wave_updates(
    state: &AppState,
    slug: &str,
) -> Result<(Uuid, impl Stream<Item = Uuid> + Send + 'static), ApiError> {
    let wave = crate::waves::by_slug(&state.db, slug).await?;
    Ok((wave.id, updates(state.bus.subscribe(), wave.id)))
}

fn updates(receiver: Receiver<LiveEvent>, wave_id: Uuid) -> impl Stream<Item = Uuid> {
    futures::stream::unfold(receiver, move |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(LiveEvent::WaveUpdated { wave_id: id }) if id == wave_id => {
                    // Coalesce a burst of folds into one notice.
                    tokio::time::sleep(COALESCE).await;
                    while receiver.try_recv().is_ok() {}
                    return Some((wave_id, receiver));
                }
                Ok(_) => continue,
                // Missed events: tell the dashboard to refresh anyway.
                Err(RecvError::Lagged(_)) => return Some((wave_id, receiver)),
                Err(RecvError::Closed) => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use tokio::sync::broadcast;

    use super::*;

    #[tokio::test]
    async fn a_burst_for_the_wave_is_one_notice_and_other_waves_none() {
        let (sender, receiver) = broadcast::channel(16);
        let (wave, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let notices = updates(receiver, wave);
        futures::pin_mut!(notices);
        sender
            .send(LiveEvent::WaveUpdated { wave_id: other })
            .unwrap();
        for _ in 0..3 {
            sender
                .send(LiveEvent::WaveUpdated { wave_id: wave })
                .unwrap();
        }
        assert_eq!(notices.next().await, Some(wave));
        drop(sender);
        assert_eq!(notices.next().await, None);
    }
}
