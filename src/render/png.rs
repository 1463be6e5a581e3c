//! PNG encoding for charts: 8-bit palette images. Charts are a few flat colours
//! plus anti-aliased edges, so 256 colours look the same as true colour at a
//! third of the bytes, which keeps the whole email under the size mail clients
//! and Gmail's clipping tolerate.

use std::collections::HashMap;

/// `rgb` (3 bytes a pixel) as a palette PNG. Images with at most 256 colours keep
/// them exactly; others are quantised with NeuQuant (`color_quant`).
pub fn encode(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let (palette, indices) = match exact_palette(rgb) {
        Some(exact) => exact,
        None => quantised(rgb),
    };
    let mut out = Vec::with_capacity(indices.len() / 6);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette);
    encoder.set_compression(png::Compression::Best);
    // Palette indices compress best unfiltered.
    encoder.set_filter(png::FilterType::NoFilter);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&indices)?;
    writer.finish()?;
    Ok(out)
}

fn exact_palette(rgb: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut index: HashMap<[u8; 3], u8> = HashMap::new();
    let mut palette = Vec::new();
    let mut indices = Vec::with_capacity(rgb.len() / 3);
    for (colour, n) in runs(rgb) {
        let i = match index.get(&colour) {
            Some(&i) => i,
            None => {
                if index.len() == 256 {
                    return None;
                }
                let i = index.len() as u8;
                index.insert(colour, i);
                palette.extend_from_slice(&colour);
                i
            }
        };
        indices.resize(indices.len() + n, i);
    }
    Some((palette, indices))
}

/// Runs of one colour, in order: charts are mostly long runs, so each costs one lookup.
/// Plain index arithmetic, not iterator adapters: every test renders charts in a debug build.
fn runs(rgb: &[u8]) -> impl Iterator<Item = ([u8; 3], usize)> + '_ {
    let end = rgb.len() - rgb.len() % 3;
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= end {
            return None;
        }
        let colour = [rgb[at], rgb[at + 1], rgb[at + 2]];
        let mut next = at + 3;
        while next < end && rgb[next] == colour[0] && rgb[next + 1] == colour[1] && rgb[next + 2] == colour[2] {
            next += 3;
        }
        let n = (next - at) / 3;
        at = next;
        Some((colour, n))
    })
}

fn quantised(rgb: &[u8]) -> (Vec<u8>, Vec<u8>) {
    // NeuQuant learns from the distinct colours, each repeated by the log of its count, rather
    // than from a million pixels: a chart has a few thousand colours, so this is ~40× faster and
    // the flat colours that cover most of the image still pull the palette towards themselves.
    let mut counts: HashMap<[u8; 3], u32> = HashMap::new();
    for (colour, n) in runs(rgb) {
        *counts.entry(colour).or_default() += n as u32;
    }
    let mut colours: Vec<([u8; 3], u32)> = counts.into_iter().collect();
    colours.sort_unstable();
    let training: Vec<u8> = colours
        .iter()
        .flat_map(|&(c, n)| std::iter::repeat_n([c[0], c[1], c[2], 255], 1 + n.ilog2() as usize))
        .flatten()
        .collect();
    let quant = color_quant::NeuQuant::new(1, 256, &training);
    let index: HashMap<[u8; 3], u8> =
        colours.iter().map(|&(c, _)| (c, quant.index_of(&[c[0], c[1], c[2], 255]) as u8)).collect();
    let mut indices = Vec::with_capacity(rgb.len() / 3);
    for (colour, n) in runs(rgb) {
        indices.resize(indices.len() + n, index[&colour]);
    }
    (quant.color_map_rgb(), indices)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let color = reader.info().color_type;
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).unwrap();
        buf.truncate(frame.buffer_size());
        (color, buf)
    }

    #[test]
    fn few_colours_are_kept_exactly_and_many_are_quantised_closely() {
        let flat: Vec<u8> =
            (0..64 * 64).flat_map(|i| if i % 7 == 0 { [0, 114, 178] } else { [255, 255, 255] }).collect();
        let (color, pixels) = decode(&encode(&flat, 64, 64).unwrap());
        assert_eq!(color, png::ColorType::Indexed);
        assert_eq!(pixels, flat, "exact when it fits a palette");

        // Like a chart: five colours on white, each anti-aliased in 64 steps (320 colours).
        let bases = [[0u8, 114, 178], [230, 159, 0], [0, 158, 115], [213, 94, 0], [31, 41, 55]];
        let blend = |base: [u8; 3], t: u32| base.map(|c| (255 - (255 - c as u32) * t / 63) as u8);
        let chart: Vec<u8> = (0..160 * 128u32).flat_map(|i| blend(bases[(i / 64 % 5) as usize], i % 64)).collect();
        let (_, pixels) = decode(&encode(&chart, 160, 128).unwrap());
        let worst = pixels.iter().zip(&chart).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
        assert!(worst <= 16, "NeuQuant keeps every channel close: off by {worst}");
    }
}
