//! Batched lookups by id: every `_entities` or `x(id)` resolved in one request tick costs
//! one query of the store (async-graphql's `DataLoader` over an [`EntityLoader`]).

use std::{collections::HashMap, hash::Hash, sync::Arc};

use async_graphql::dataloader::{DataLoader, Loader};
/// A store that reads many entities by id in one query.
pub trait FindMany: Send + Sync + 'static {
    /// A UUID, or a service's own id type.
    type Id: Copy + Eq + Hash + Send + Sync + 'static;
    type Entity: Clone + Send + Sync + 'static;

    fn id(entity: &Self::Entity) -> Self::Id;

    /// The entities with these ids (unknown ids are left out).
    fn find_many(
        &self,
        ids: &[Self::Id],
    ) -> impl Future<Output = sqlx::Result<Vec<Self::Entity>>> + Send;
}

/// The data loader of `store`, for a schema's data.
pub fn batched<S: FindMany>(store: S) -> DataLoader<EntityLoader<S>> {
    DataLoader::new(EntityLoader::new(store), tokio::spawn)
}

/// The loader of a [`FindMany`] store.
pub struct EntityLoader<S>(S);

impl<S> EntityLoader<S> {
    pub fn new(store: S) -> Self {
        Self(store)
    }
}

impl<S: FindMany> Loader<S::Id> for EntityLoader<S> {
    type Value = S::Entity;
    type Error = Arc<sqlx::Error>;

    async fn load(&self, ids: &[S::Id]) -> Result<HashMap<S::Id, S::Entity>, Self::Error> {
        let found = self.0.find_many(ids).await.map_err(Arc::new)?;
        Ok(found
            .into_iter()
            .map(|entity| (S::id(&entity), entity))
            .collect())
    }
}
