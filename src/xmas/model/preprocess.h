// The image preprocessing a model's vision tower expects (no libtorch):
// LLaVA-1.5's image_aspect_ratio = pad (pad to a square with the mean
// colour; "square" in the config resizes without padding), bicubic resize to vision_config.image_size, then the tower's
// normalisation -- CLIP's mean/std (OpenAI CLIP image processor), or 0.5/0.5
// for SigLIP (SiglipImageProcessor). Used by training, trajectories and eval.
#pragma once

#include "xmas/data/image.h"
#include "xmas/model/config.h"

namespace xmas::model {

data::PreprocessOptions TowerPreprocessing(const ModelConfig& config);

}  // namespace xmas::model
